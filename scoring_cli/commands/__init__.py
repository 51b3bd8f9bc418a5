"""The sub-commands, one module per group: :mod:`.data` (synth, features, drift), :mod:`.clients`
(score, explain, summary, serve) and :mod:`.model` (train, retrain, rollback, report)."""
