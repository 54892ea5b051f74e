from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from lers.accounts.models import User

# Role grants are changed through lers.accounts.services (audited), not through the admin.
admin.site.register(User, UserAdmin)
