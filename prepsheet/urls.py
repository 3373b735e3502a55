from django.urls import path

from . import views

app_name = "prepsheet"
urlpatterns = [
    path("", views.prep_sheet, name="index"),
    path("sheet.md", views.prep_sheet_markdown, name="markdown"),
    path("print/", views.prep_sheet_print, name="print"),
    path("sheet.pdf", views.prep_sheet_pdf, name="pdf"),
    path("pdf/", views.prep_sheet_pdf_wait, name="pdf_wait"),
    path("scrub/", views.prep_sheet_scrub, name="scrub"),
    path("own/<slug:kind>/", views.own_add, name="own_add"),
    path("own/<slug:kind>/<id:pk>/delete/", views.own_delete, name="own_delete"),
]
