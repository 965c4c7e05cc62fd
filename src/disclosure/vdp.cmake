# Vulnerability disclosure policy and security.txt (owner: vdp). Included by
# CMakeLists.txt after provisio_disclosure is defined.
provisio_embed_file(vdp_templates templates/policy.html.mustache
  provisio::disclosure PolicyHtmlTemplate)
provisio_embed_file(vdp_templates templates/policy.md.mustache
  provisio::disclosure PolicyMarkdownTemplate)
target_sources(provisio_disclosure PRIVATE
  vdp.cc vdp_render.cc vdp_uri.cc security_txt.cc security_txt_sign.cc ${vdp_templates})
target_include_directories(provisio_disclosure PRIVATE ${KAINJOW_MUSTACHE_INCLUDE_DIR})
target_link_libraries(provisio_disclosure PRIVATE provisio::formats)

provisio_add_test(disclosure_vdp_test
  SOURCES vdp_test.cc security_txt_test.cc
  DEPS provisio::disclosure)
