/**
 * A table's columns as the migrations create them, declared once per table module. The declaration types the
 * rows that module's SQL returns, and a test compares every declaration with the migrated database, so a
 * migration and the code that reads its table cannot drift apart unnoticed.
 */

/** Postgres type names as information_schema.columns.data_type spells them, with what node-postgres returns. */
interface PgTypes {
  integer: number;
  /** int8 does not fit a JS number in general, so pg returns it as a string. */
  bigint: string;
  text: string;
  boolean: boolean;
  'double precision': number;
  jsonb: unknown;
  'timestamp with time zone': Date;
  date: Date;
}

export type PgType = keyof PgTypes;

export interface Column<T = unknown> {
  readonly type: PgType;
  readonly isNullable: boolean;
  /** The database fills the column when an insert leaves it out (a default or a sequence). */
  readonly hasDefault: boolean;
  /** Type-level only: the value a row carries. */
  readonly _value?: T;
}

class ColumnBuilder<T> implements Column<T> {
  declare readonly _value?: T;
  constructor(
    readonly type: PgType,
    readonly isNullable = false,
    readonly hasDefault = false,
  ) {}

  nullable(): ColumnBuilder<T | null> {
    return new ColumnBuilder<T | null>(this.type, true, this.hasDefault);
  }

  defaulted(): ColumnBuilder<T> {
    return new ColumnBuilder<T>(this.type, this.isNullable, true);
  }
}

const column = <K extends PgType>(type: K) => new ColumnBuilder<PgTypes[K]>(type);

/** Column constructors; `.nullable()` allows null, `.defaulted()` says the database fills it on insert. */
export const col = {
  integer: () => column('integer'),
  bigint: () => column('bigint'),
  text: <T extends string = string>() => new ColumnBuilder<T>('text'),
  boolean: () => column('boolean'),
  double: () => column('double precision'),
  jsonb: <T = unknown>() => new ColumnBuilder<T>('jsonb'),
  timestamptz: () => column('timestamp with time zone'),
  date: () => column('date'),
};

export interface Table<C extends Record<string, Column>> {
  readonly name: string;
  readonly columns: C;
}

export const defineTable = <C extends Record<string, Column>>(name: string, columns: C): Table<C> => ({ name, columns });

/** A whole row of the table as node-postgres returns it. */
export type Row<T extends Table<Record<string, Column>>> = {
  [K in keyof T['columns']]: T['columns'][K] extends Column<infer V> ? V : never;
};
