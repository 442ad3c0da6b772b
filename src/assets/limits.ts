/**
 * What check-assets reads of a page, at most. In a file of their own, without the HTML parser, so the
 * renderers can name them and a passing run still loads no parse5.
 */

/**
 * Tags parsed per page, at most. The tree costs about 1 KiB per element: a 1 MiB page of unclosed `<b>`
 * (350,000 nested elements) took 391 MB to parse whole. Ten thousand tags cover any real page's head and
 * body scripts; past them the page is not read (the report says so).
 */
export const MAX_PARSED_TAGS = 10_000;
/** References kept per page, at most (the run fetches at most 100 assets in all); the rest are counted. */
export const MAX_REFS_PER_PAGE = 200;
