"""Relationship screens, one module per topic: ``pages`` (a match, its notes, concerns and
closing), ``meetings``, ``goals``, ``calendar`` (subscription and feed) and ``coordinators``
(program health). Every action is its own POST URL; the views parse, call a service, respond."""
