"""`make bench`: what the app exists for, measured against the physical limit, in one run."""
