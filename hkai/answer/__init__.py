"""Answering: retrieved passages to a cited answer.

`asks` (what kind of answer a question wants) → `signals` (every candidate
sentence's measured features) → `reader` (the fitted scorer: which sentences
answer, and whether any does) → `extractive` (the answer, made of source
sentences and table rows only) and `derived` (arithmetic on two cited figures).
"""
