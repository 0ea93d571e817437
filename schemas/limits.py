"""Largest sizes of an article's fields, in characters: one definition for the poller (which
truncates to them), `redflag classify` (which refuses past them) and the schema.

Bounded input keeps every stage's cost linear and bounded: no title can make the classifier
spend a minute, and no message produced straight to Kafka can stall a stage.
"""

MAX_ID_CHARS = 2_048
MAX_TITLE_CHARS = 1_000
MAX_SUMMARY_CHARS = 10_000
MAX_CONTENT_CHARS = 200_000
MAX_LINK_CHARS = 2_048
MAX_LANG_CHARS = 35  # the longest BCP 47 tag in common use
#: One JSON line of `redflag classify` input: the fields above and room for escaping.
MAX_LINE_BYTES = 1_048_576
