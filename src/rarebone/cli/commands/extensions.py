"""JSON Schemas of the input extension blocks (``rareboneExtensions``) for ``rarebone schema NAME``.
No command of its own: ``rarebone schema`` collects every command module's SCHEMAS."""

SCHEMAS = {
    "extension": "rarebone.intake.extension_models:RareboneExtensions",
    "extension-donors": "rarebone.intake.extension_models:DonorsBlock",
    "extension-transplant": "rarebone.intake.extension_models:TransplantBlock",
    "extension-cno": "rarebone.intake.extension_models:CnoBlockInput",
}
