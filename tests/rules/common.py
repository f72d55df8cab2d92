PUBLIC = "public"
LOGIN = "login"
# Capability.VIEW, except that coders get 403 while the project is blind (agreement results).
BLIND_RESULTS = "blind-results"
