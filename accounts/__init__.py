"""Who someone is: the custom user, roles, allauth sign-up for adults and (later) the picture-password credential."""
