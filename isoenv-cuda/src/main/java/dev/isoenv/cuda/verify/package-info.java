/**
 * Verification after an install: {@link dev.isoenv.cuda.verify.TorchBuildCheck} checks that every installed
 * torch-family distribution carries the chosen variant's local label, and runs the environment's python to
 * read {@code torch.__version__}, {@code torch.version.cuda} or {@code torch.version.hip} and, when a GPU was
 * detected, {@code torch.cuda.is_available()}. A mismatch is a {@link dev.isoenv.VerificationException} that
 * names the build expected and the build found. {@link dev.isoenv.cuda.verify.ExpectedBuild} describes what is
 * expected.
 */
package dev.isoenv.cuda.verify;
