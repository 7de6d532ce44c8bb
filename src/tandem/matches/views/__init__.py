"""Matching screens, one module per audience: ``program`` (a coordinator's overview, criteria,
runs started and compared, pair rules, ending a match), ``runs`` (a run's review screen and one
POST URL per review action) and ``answers`` (a participant's match and their answers)."""
