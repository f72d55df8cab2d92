PUBLIC = "public"
# Any logged-in account that is staff (server administrators); members get 403.
STAFF = "staff"
LOGIN = "login"
# Capability.VIEW, except that coders get 403 while the project is blind (agreement results).
BLIND_RESULTS = "blind-results"
