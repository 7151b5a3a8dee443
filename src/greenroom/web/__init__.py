"""The portal's shell: templates, static assets, sessions, navigation and settings pages."""
