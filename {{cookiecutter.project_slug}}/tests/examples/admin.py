from django.contrib import admin

from .models import Album, Photo, Profile

admin.site.register(Profile)


class PhotoInline(admin.TabularInline):
    model = Photo
    extra = 1


@admin.register(Album)
class AlbumAdmin(admin.ModelAdmin):
    inlines = [PhotoInline]
