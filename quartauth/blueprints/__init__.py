"""One blueprint per concern: accounts (sign up, in, out), account (your own account),
core pages, error pages."""
