"""Survey results through the suppression module, never around it.

Every number of a survey comes from one suppressed table per question (and one for respondent
counts) over *all* breakdown dimensions at once (department × level band × role); each view a
reader can ask for — everyone, one breakdown, one filter — is a ``select`` of that one table, so
views cannot be subtracted from each other. Empty groups are shown like hidden ones (so a group
of one invited person does not reveal whether they answered). Free-text comments are published
for the whole survey only, and only when ``k_comments`` people wrote one.

Nothing here checks access: ``selectors.survey_results`` and ``selectors.program_outcomes`` do.
"""

from tandem.feedback.results.export import EXPORT_HEADER, export_rows
from tandem.feedback.results.numbers import option_counts, scale_labels
from tandem.feedback.results.pages import MeasureResult, QuestionResult, SurveyResults, compute
from tandem.feedback.results.tables import (
    BREAKDOWNS,
    DIMENSIONS,
    Cell,
    Record,
    View,
    group_label,
    publish_table,
    select_view,
)

__all__ = [
    "BREAKDOWNS",
    "DIMENSIONS",
    "EXPORT_HEADER",
    "Cell",
    "MeasureResult",
    "QuestionResult",
    "Record",
    "SurveyResults",
    "View",
    "compute",
    "export_rows",
    "group_label",
    "option_counts",
    "publish_table",
    "scale_labels",
    "select_view",
]
