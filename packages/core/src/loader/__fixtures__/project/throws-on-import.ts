/** Fixture: a module that throws while being imported. */
throw new Error('boom while importing');
