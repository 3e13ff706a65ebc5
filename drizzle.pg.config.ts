import { defineConfig } from 'drizzle-kit';

/** PostgreSQL, the shared store (DATABASE_URL): `npm run db:generate` writes its migrations to drizzle/pg/. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/pg/schema.ts',
  out: './drizzle/pg',
});
