"""Limits on what a client may send, shared by the API's schemas and the importers."""

# Arrays and objects in a JSON document (a request body, an imported row's
# source_attributes) nest at most this deep. Parsers recurse once per level:
# a thousand levels exhausted the interpreter's stack, and the serialiser
# that stores source_attributes stops at 255.
MAX_NESTING = 32

# Integers kept as they were sent (source_attributes) fit in signed 64 bits:
# the serialiser writes no wider one, and orjson reads a wider one as a float.
MIN_INT64, MAX_INT64 = -(2**63), 2**63 - 1

# A place given inline (a batch's location, an import row's place) comes with
# at most this many places in its chain, itself included. The deepest chain
# the location kinds make, region > country > admin1 > admin2 > admin3 > city
# > site, is seven; each place is a lookup, and a client chose how many.
MAX_PLACE_CHAIN = 10
