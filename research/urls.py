from django.urls import path

from research import views

app_name = "research"

urlpatterns = [
    path("", views.project_list, name="project-list"),
    path("projects/new/", views.project_create, name="project-create"),
    path("p/<uuid:project>/", views.project_detail, name="project-detail"),
    path("p/<uuid:project>/settings/", views.project_settings, name="project-settings"),
    path("p/<uuid:project>/archive/", views.project_archive, name="project-archive"),
    path("p/<uuid:project>/delete/", views.project_delete, name="project-delete"),
    path("p/<uuid:project>/settings/audit/", views.audit_trail, name="audit-trail"),
    path("p/<uuid:project>/settings/audit/csv/", views.audit_trail_csv, name="audit-trail-csv"),
    path("p/<uuid:project>/members/", views.member_list, name="member-list"),
    path("p/<uuid:project>/members/<int:member>/", views.member_update, name="member-update"),
    path("p/<uuid:project>/jobs/", views.job_list, name="job-list"),
    path("p/<uuid:project>/jobs/<uuid:job>/", views.job_detail, name="job-detail"),
    path("p/<uuid:project>/jobs/<uuid:job>/cancel/", views.job_cancel, name="job-cancel"),
]
