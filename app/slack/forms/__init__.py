"""The modals' contracts: one module per form, with its ids, builder, reader and metadata."""
