"""Demo data for ``tandem demo``: a synthetic organisation with history, built through the real
services so every screen shows believable data."""
