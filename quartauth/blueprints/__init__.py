"""One blueprint per concern, none importing another: auth (sign up, log in, log out),
account (your own account), email (what mailed links lead to), admin (the admin area), api
(the JSON API), core pages, error pages."""
