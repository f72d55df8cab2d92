"""The coding app's URLs, one module per subject, all in the `coding:` namespace."""

from coding.codebook.urls import urlpatterns as codebook
from coding.documents.urls import urlpatterns as documents
from coding.excerpts.urls import urlpatterns as excerpts
from coding.pseudonyms.urls import urlpatterns as pseudonyms
from coding.reconcile.urls import urlpatterns as reconcile
from coding.runs.urls import urlpatterns as runs

app_name = "coding"
urlpatterns = [*documents, *codebook, *excerpts, *runs, *reconcile, *pseudonyms]
