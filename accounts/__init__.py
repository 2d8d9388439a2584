"""Who someone is: the custom user, roles, the allauth adapter and (later) the picture-password credential."""
