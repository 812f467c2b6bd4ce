"""Evaluation: the paper's metrics, baselines and reports."""
