/**
 * The uv backend. {@link dev.isoenv.uv.UvInstaller} is the {@code Installer} registered under the name {@code uv},
 * with priority 200: it finds uv ({@code UvLocator}: the {@code uv.path} option, the {@code isoenv.uv} system
 * property, {@code PATH}, uv's install folders) and refuses one older than its minimum version; it creates
 * environments with {@code uv venv --allow-existing} and installs with {@code uv pip install --python ENV}
 * ({@code UvCommands}: {@code --} before every requirement, indexes and credentials in {@code UV_*} variables, never
 * on a command line); it turns uv's output into progress events ({@code UvOutputParser}) and its errors into typed
 * exceptions with advice ({@code UvFailureAdvice}).
 */
package dev.isoenv.uv;
