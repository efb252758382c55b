"""Pages of groups, by sub-domain, like groups/models/ and groups/services/.

Each view: access → form → service → redirect or render. Pages that gather several
apps (home, the group dashboard, the personal-data export) live in gwd/views.py."""
