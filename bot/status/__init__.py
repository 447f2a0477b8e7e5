"""BCAST-2: the public status page, its JSON document and its Atom feed, built from the desk's
major incidents and the forward schedule of change. Only customer-facing text leaves here."""
