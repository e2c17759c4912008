/**
 * The registry of each operation's named types, empty here: the generated `Models` fills it by
 * declaration merging. It lives in a module of its own so that `Operation`, which reads it, never
 * imports `Models` (built from the entries of `Api`, which are built by `Operation`), and so that
 * the augmentation targets a module that holds nothing else.
 *
 * @since 0.3.0
 */

/**
 * The named types of each operation, by operationId: `{ request, response, error }` (see
 * `Models`, which fills this registry).
 * @since 0.3.0
 * @category type-level
 */
export interface NamedTypes {}
