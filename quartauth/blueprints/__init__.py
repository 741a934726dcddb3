"""One blueprint per concern: accounts (sign up, in, out), core pages, error pages."""
