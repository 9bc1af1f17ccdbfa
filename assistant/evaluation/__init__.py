"""Evaluation that drives the product on a planted set (above `eval_sets`, which holds the data and the scorer)."""
