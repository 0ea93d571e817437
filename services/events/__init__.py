"""Events, not articles: which alerts report the same real-world event (issue #12).

Pure: `match.decide(report, candidates, rules)` says whether a report starts an event, repeats
one, updates one materially, or is an edit of an article already counted. The notifier keeps
the state (`services/notifier/eventlog.py`); the rules are data in `rules.yaml`.
"""
