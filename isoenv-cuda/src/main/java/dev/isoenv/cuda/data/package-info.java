/**
 * The PyTorch variant data, kept as data rather than code: the index URL pattern, the minimum NVIDIA driver of
 * each CUDA variant on Linux and Windows, the variants and Python versions of each torch release, the compute
 * capabilities each CUDA variant carries (per platform where they differ), the gfx targets of each ROCm variant,
 * the {@link dev.isoenv.cuda.data.Platform}s (operating system and CPU architecture) each variant of each release
 * has wheels for, with their Python versions and labels ({@link dev.isoenv.cuda.data.WheelPlatforms}), and the
 * torch-family
 * distributions. {@link dev.isoenv.cuda.data.TorchData} holds the merged tables; the built-in tables ship as
 * the resource {@code dev/isoenv/cuda/data/torch-data.tsv}, and a user file named by the system property
 * {@code isoenv.torch.data} (or {@code ISOENV_TORCH_DATA}) layers over them, so a new PyTorch release needs
 * no new isoenv release. {@link dev.isoenv.cuda.data.TorchDataSource} supplies the data, cached per JVM.
 */
package dev.isoenv.cuda.data;
