"""One questionnaire component for program enrolment and for surveys.

``base`` is the abstract question model both question tables share; ``editing`` the services
that add, change, move and delete questions while a questionnaire may still change; ``forms``
the editor's form; ``editor`` the editor page's rows and template
(``programs/questionnaire/_editor.html``). ``standard`` and ``enrolment`` are the enrolment
side: the standard questions per program kind and the form a participant fills in.
"""
