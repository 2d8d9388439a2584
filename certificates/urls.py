from django.urls import path

from .views import holder, public

app_name = "certificates"

urlpatterns = [
    path("certificates/", holder.my_certificates, name="mine"),
    path("certificates/<int:certificate_id>/pdf/", holder.download, name="download"),
    path("certificates/claim/<int:course_id>/", holder.claim, name="claim"),
    path("certificates/verify/", public.verify, name="verify"),
    path("certificates/verify/<str:code>/", public.verify_code, name="verify_code"),
]
