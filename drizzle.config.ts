import { defineConfig } from 'drizzle-kit';

/** SQLite, the embedded store: `npm run db:generate` writes its migrations to drizzle/sqlite/. */
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/db/schema.ts',
  out: './drizzle/sqlite',
});
