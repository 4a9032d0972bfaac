"""The estimator's tool pages in the sitemap (registered in EstimatorConfig.ready)."""

PAGES = [
    "estimator:will_it_run",
    "estimator:methodology",
    "estimator:choose_my_gpu",
    "estimator:cost_vs_cloud",
]
