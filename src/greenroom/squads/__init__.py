"""Squads and people: Your Squads, and the overview of Group and User entity pages."""
