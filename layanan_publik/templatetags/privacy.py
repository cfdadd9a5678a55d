"""`{% load privacy %}{{ applicant.nik|mask_nik }}`"""

from django import template

from layanan_publik.privacy import mask_nik

register = template.Library()
register.filter("mask_nik", mask_nik)
