"""One blueprint per concern: auth (sign up, log in, log out), account (your own account),
core pages, error pages."""
