; Links and code spans, matched in each inline tree of tree-sitter-md's
; inline grammar. Compiled into the server (server/src/extract/inline.rs);
; the capture on the whole node names the kind of reference.

; [text](destination "title"), [text]() — an empty destination has no node.
(inline_link
  (link_text)? @text
  (link_destination)? @destination) @link.inline

; ![description](destination)
(image
  (image_description)? @text
  (link_destination)? @destination) @link.image

; [text][label]
(full_reference_link
  (link_text) @text
  (link_label) @label) @link.full

; [label][]
(collapsed_reference_link
  (link_text) @text) @link.collapsed

; [label] — a link only when a definition for it exists.
(shortcut_link
  (link_text) @text) @link.shortcut

; <https://example.org>
(uri_autolink) @link.autolink

; `code`: library names live here.
(code_span) @code
