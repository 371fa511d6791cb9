/**
 * Ties a response class to the document it shows, at compile time. The class says
 * `implements Shows<Document, Class>`, or `implements Shows<Document, Class, 'extra'>` for the fields
 * a query adds: it fails to compile when the document has a field the class lacks or types
 * differently (at any depth: the class's fields must be assignable to the document's), and when the
 * class declares a field the document does not have (at any depth, named by its path). So a field
 * added to, renamed in or removed from a projection's document is a compile error until the
 * response, and with it the OpenAPI document, says the same.
 */
export type Shows<Document, Class, Extra extends string = never> = Fields<Document> &
  NotInDocument<Exclude<FieldsBeyond<Class, Document>, Extra>>;

/** Nothing, or for each path of a field the document lacks, a property the class cannot have: the compile error names the path. */
type NotInDocument<Paths> = [Paths] extends [never]
  ? unknown
  : { readonly [Path in Paths & string]: 'is not a field of the document' };

/** A document's declared fields: without the index signature every read-model document has. */
export type Fields<T> = { [K in keyof T as string extends K ? never : number extends K ? never : K]: T[K] };

/** The paths (e.g. `recovery.orders.note`) of the fields the class declares and the document has not. */
export type FieldsBeyond<Class, Document> = Class extends object
  ? {
      [K in keyof Class & string]-?: K extends KeysOf<Document>
        ? Nested<K, FieldsBeyond<Item<NonNullable<Class[K]>>, Item<NonNullable<FieldOf<Document, K>>>>>
        : K;
    }[keyof Class & string]
  : never;

type Nested<K extends string, Inner> = Inner extends string ? `${K}.${Inner}` : never;
/** The keys of a document, of any member when it is a union (a legal or a natural person). */
type KeysOf<T> = T extends unknown ? keyof Fields<T> : never;
type FieldOf<T, K extends string> = T extends unknown ? (K extends keyof T ? T[K] : never) : never;
type Item<T> = T extends ReadonlyArray<infer E> ? E : T;
