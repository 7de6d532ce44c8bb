"""Small-group suppression for anonymous survey results and demographic breakdowns.

A table of aggregates (cells keyed by dimension values, plus every margin: per-department
subtotals, per-level subtotals, the overall total, parents in a department -> team hierarchy) is
published so that

1. every shown cell or margin has at least ``k`` responses (empty groups are shown as
   "No responses": they describe nobody);
2. no hidden cell or margin can be computed from the shown ones by adding and subtracting
   (the attacker's equations are "a margin is the sum of the cells it covers"); and
3. no group of 1..k-1 people that the table never shows can be computed either, such as the
   two people left over when a total of 12 and a team of 10 are shown.

The algorithm (``tandem.privacy.suppression._choose_hidden``) hides every group with 0 < n < k,
then repeats until stable:

* the sibling rule: under a shown parent, the hidden children must be at least two and hold
  at least ``k`` responses together; otherwise hide the smallest shown non-empty sibling (or
  the parent when there is none) -- the usual 1-D rule, iterated over rows and columns;
* an exact check with rational arithmetic that no hidden group's count lies in the span of
  the shown groups' equations; a hit is broken by hiding the smallest group its derivation uses;
* an integer-programming audit (HiGHS through SciPy) for any derivable set of hidden cells with
  1..k-1 responses; a hit is verified exactly and broken the same way.

Every round hides at least one more group and "everything hidden" satisfies all three rules,
so the loop ends. Sums of answers and each answer's count use the same equations as the
response counts, so what protects ``n`` protects them too.

Known limits: the guarantee is about linear derivation. A reader who also uses bounds (every
hidden group has at least one response, because empty ones are shown) can occasionally pin a
hidden count, for example five hidden teams under a shown total of 5 must hold one response
each; their answers stay pooled. A shown group whose members all gave the same answer reveals
that answer (thresholds cannot help there). Tables built from different records or dimensions
are not protected against each other: publish every view of a survey from one table that has
all the dimensions a reader can filter on, through :meth:`PublishedTable.select`.
"""

from tandem.privacy.comments import Comment, PublishedComments, publish_comments
from tandem.privacy.recoding import ABSENT, NOTHING, Recoding, choose_recoding, k_anonymous
from tandem.privacy.records import (
    ALL,
    Aggregate,
    Key,
    Margin,
    NoResponses,
    Published,
    Withheld,
    WithheldReason,
)
from tandem.privacy.suppression import suppress, suppress_filtered
from tandem.privacy.tables import AggregateTable, PublishedTable
from tandem.privacy.thresholds import (
    DEFAULT_THRESHOLDS,
    SITE_FLOORS,
    THRESHOLD_FLOOR,
    validate_site_threshold,
    validate_threshold,
)
from tandem.privacy.views import ReleasePlan, plan_release, plan_release_counts

__all__ = [
    "ABSENT",
    "ALL",
    "DEFAULT_THRESHOLDS",
    "NOTHING",
    "SITE_FLOORS",
    "THRESHOLD_FLOOR",
    "Aggregate",
    "AggregateTable",
    "Comment",
    "Key",
    "Margin",
    "NoResponses",
    "Published",
    "PublishedComments",
    "PublishedTable",
    "Recoding",
    "ReleasePlan",
    "Withheld",
    "WithheldReason",
    "choose_recoding",
    "k_anonymous",
    "plan_release",
    "plan_release_counts",
    "publish_comments",
    "suppress",
    "suppress_filtered",
    "validate_site_threshold",
    "validate_threshold",
]
