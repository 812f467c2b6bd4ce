"""``make results``: MEDTalk, its baselines and ablations trained on the synthetic data, evaluated on the
held-out split and the real capture, written to docs/RESULTS.md, docs/results.json and docs/img/results/."""
