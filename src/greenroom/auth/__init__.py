"""Who is asking: identities, the ownership they carry, and how people sign in."""
