"""Training the span reader (`python -m bench.train_reader`): torch is needed here only."""
