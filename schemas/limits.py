"""Largest sizes of message fields, in characters: one definition for the schemas, the
poller (which truncates to them) and `redflag classify` (which refuses past them).

Bounded input keeps every stage's cost linear and bounded: no title can make the classifier
spend a minute, and no message produced straight to Kafka can stall a stage (a message past
them is dead-lettered with the field and the limit).
"""

MAX_ID = 128  # redflag's own ids: 32 hex characters, with room
MAX_NAME = 200  # a feed's configured name
MAX_URL = 4096  # a configured feed URL
MAX_LINK = 2048  # an article's canonical link (services.poller.links)
MAX_TITLE = 1_000
MAX_SUMMARY = 10_000
MAX_CONTENT = 200_000
MAX_SOURCE = 500
MAX_LANG = 35  # the longest BCP 47 tag in practice
MAX_GUID = 2_048  # a feed's guid text, before it is hashed into an id
#: `redflag classify` input: an archive's ids may be URLs; one line holds every field above.
MAX_INPUT_ID = MAX_LINK
MAX_LINE_BYTES = 1_048_576
