"""The software catalog: Backstage descriptors in, entities, relations and queries out."""
