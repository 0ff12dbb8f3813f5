/* Article pages: copy the citation to the clipboard. */
