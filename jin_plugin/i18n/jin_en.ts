<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1">
<context>
    <name>@default</name>
    <message>
        <location filename="../core/auth.py" line="43"/>
        <source>QGIS authentication is disabled: {why}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/auth.py" line="57"/>
        <source>QGIS could not store the sign-in details: check that the master password of the authentication database is set (Settings ▸ Options ▸ Authentication)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/hub_client.py" line="122"/>
        <source>Fetch cancelled: nothing was added.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/change_layer.py" line="44"/>
        <source>the two layers share no area code: choose two periods of the same geography</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/change_layer.py" line="48"/>
        <source>change is tested on counts: choose the count field of both layers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/compare.py" line="101"/>
        <source>layer &apos;{layer}&apos; has no field &apos;{field}&apos;: choose one of {fields}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/compare.py" line="120"/>
        <source>choose two or three measures to compare</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/compare.py" line="146"/>
        <source>smoothing applies to rates, and measure {i} is not count / base: choose its rate field, or turn smoothing off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/compare.py" line="161"/>
        <source>rate smoothing needs each layer&apos;s count and its denominator (&apos;count&apos; and &apos;base&apos; in JiN layers): fetch the layers again, or turn smoothing off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/compare.py" line="166"/>
        <source>only {n} areas have every value: too few to compare. Choose a coarser period (a whole year) or a higher geography, where fewer values are suppressed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/connection.py" line="26"/>
        <source>Reached {url}, but it is not a JiN hub (it has no /api/v1/version). Check the address: it is the hub&apos;s base URL, such as https://jin-hub.example.org</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/connection.py" line="35"/>
        <source>The JiN hub {version} at {url} is up, but signing in failed. {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/connection.py" line="38"/>
        <source>The JiN hub {version} is up, but its catalogue failed: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/connection.py" line="41"/>
        <source>Connected to JiN hub {version} as {user} ({agency}, {role}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/connection.py" line="43"/>
        <source>Connected to JiN hub {version} without signing in: public aggregates only.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/connections.py" line="38"/>
        <source>Give the connection a name, e.g. &apos;JiN hub (live)&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/connections.py" line="40"/>
        <source>A connection name cannot contain &apos;/&apos; or &apos;\&apos;: choose another name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/connections.py" line="42"/>
        <source>&apos;{url}&apos; is not a web address: the hub&apos;s URL starts with https:// (or http:// on your own PC).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/fetch.py" line="45"/>
        <source>The hub does not publish a dataset &apos;{dataset}&apos;. Refresh the catalogue and choose again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/fetch.py" line="78"/>
        <source>JiN: fetching {dataset} ({geography})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/hub_client.py" line="77"/>
        <source>Secure connection to {hub} failed ({why}). The hub&apos;s certificate is not trusted on this PC: ask IT to install your organisation&apos;s certificate authority, or check the address.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/hub_client.py" line="104"/>
        <source>&apos;{url}&apos; is not a web address: enter the hub URL starting with https:// (or http:// for a hub on this computer)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/hub_client.py" line="140"/>
        <source>The JiN hub at {hub} did not answer in time. Try again; if it keeps happening check your network and proxy settings (Settings ▸ Options ▸ Network) or ask the hub administrator whether the hub is up.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/hub_client.py" line="145"/>
        <source>Cannot reach the JiN hub at {hub} ({error}). Check the address, that you are online, the proxy settings (Settings ▸ Options ▸ Network), and that the hub is running.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/hub_client.py" line="151"/>
        <source>The hub at {hub} needs you to sign in (HTTP 401). Choose this connection&apos;s authentication configuration (Basic: your JiN user name and password).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/hub_client.py" line="155"/>
        <source>The hub at {hub} refused your credentials (HTTP 401). Check the user name and password in this connection&apos;s authentication configuration.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/hub_client.py" line="158"/>
        <source>The hub at {hub} has paused sign-ins for this account after repeated failures{detail}. Check the password, then wait or ask the hub administrator to unlock it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/hub_client.py" line="162"/>
        <source>Your account may not see this data (HTTP 403){detail}. Ask your hub administrator for access.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/hub_client.py" line="165"/>
        <source>Not found on the hub (HTTP 404): {url}. Check the hub URL.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/hub_client.py" line="168"/>
        <source>The hub rejected the request (HTTP {status}){detail}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/hub_client.py" line="170"/>
        <source>The JiN hub at {hub} had an internal error (HTTP {status}). Try again later; if it persists, tell the hub administrator.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/hub_client.py" line="179"/>
        <source>{url} did not send JiN hub data ({error}). Check that the URL is the hub&apos;s address, not a web page or a proxy login page.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/hub_client.py" line="187"/>
        <source>{url} answered, but it is not a JiN hub. Check the URL.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/hub_client.py" line="196"/>
        <source>The catalogue from {url} is malformed. Check the URL.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/hub_client.py" line="206"/>
        <source>The zones from {url} are malformed. Check the URL.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/reference_layer.py" line="58"/>
        <source>The values from {url} are malformed ({error}). Check the URL.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/reference_layer.py" line="61"/>
        <source>The values from {url} are malformed. Check the URL.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/reference_layer.py" line="104"/>
        <source>Cannot write {path}: {error}. Check there is disk space and the JiN cache folder is writable.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/layers.py" line="128"/>
        <source>The cached boundaries {path} cannot be read: delete the file and fetch again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/layers.py" line="304"/>
        <source>The cached layer {path} cannot be opened: delete it and fetch again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/layouts.py" line="210"/>
        <source>unknown page &apos;{page}&apos;: choose one of {pages}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/layouts.py" line="283"/>
        <source>layout template {name} is missing from the plugin: reinstall JiN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/layouts.py" line="427"/>
        <source>the template has no map item &apos;{item}&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/layouts.py" line="493"/>
        <source>export as .pdf, .png or .svg</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/layouts.py" line="495"/>
        <source>could not export {name} (error {code}): check the folder is writable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/layouts.py" line="525"/>
        <source>could not export the atlas: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/layouts.py" line="534"/>
        <source>a comparison layout shows one to three maps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/layouts.py" line="563"/>
        <source>Same classes on every map</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/local_data.py" line="113"/>
        <source>cannot read {name}: check it is a CSV, Excel or GIS file and not open elsewhere</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/local_data.py" line="156"/>
        <source>could not write {path}: check the folder is writable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/local_data.py" line="181"/>
        <source>the table has no column &apos;{column}&apos;: choose the column holding area codes ({columns})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/local_data.py" line="306"/>
        <source>could not export to {path}: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/model.py" line="14"/>
        <source>OA</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/model.py" line="14"/>
        <source>LSOA</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/model.py" line="14"/>
        <source>MSOA</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/model.py" line="15"/>
        <source>Ward</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/model.py" line="15"/>
        <source>District</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="593"/>
        <source>The layer&apos;s style could not be kept with it: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/symbology.py" line="59"/>
        <source>Counts carry small deliberate noise (ONS cell-key method) to protect privacy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/symbology.py" line="189"/>
        <source>Zero</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/symbology.py" line="189"/>
        <source>No data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/themes.py" line="46"/>
        <source>Crime</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/themes.py" line="46"/>
        <source>Anti-social behaviour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/themes.py" line="46"/>
        <source>Fire</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/themes.py" line="46"/>
        <source>Education</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/themes.py" line="46"/>
        <source>Population</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/themes.py" line="46"/>
        <source>Change and z-scores</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../plugin.py" line="57"/>
        <source>JiN panel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../plugin.py" line="60"/>
        <source>Show or hide the JiN panel (community-safety data hub)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/base.py" line="69"/>
        <source>Resolution (dpi)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/base.py" line="71"/>
        <source>Map</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/change_algorithm.py" line="24"/>
        <source>Change between two periods</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/compare_algorithm.py" line="30"/>
        <source>Comparisons</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/change_algorithm.py" line="26"/>
        <source>&lt;p&gt;The same count in two periods, area by area: the difference, the ratio, and an exact test of whether the two counts share one rate, so you can tell a real change from chance.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Inputs:&lt;/b&gt; the earlier and the later layer (JiN layers of the same dataset, geography and category, or your own polygon layers), the count field of each, and the area code field they share.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Output:&lt;/b&gt; a GeoPackage layer with, per area, both counts (before, after), the difference, the ratio, the test's p-value and the change: a significant rise, a fall, or no significant change at 5 %.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Disclosure control:&lt;/b&gt; areas whose count is withheld (suppressed) in either period are excluded, never differenced against zero. Published counts carry noise of up to ±3, so small changes in small counts mean little; the test tells you which changes stand out.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/change_algorithm.py" line="39"/>
        <source>Earlier period</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/change_algorithm.py" line="39"/>
        <source>Later period</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/change_algorithm.py" line="41"/>
        <source>{period}: count</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/change_algorithm.py" line="43"/>
        <source>Area code field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/change_algorithm.py" line="44"/>
        <source>Change</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/change_algorithm.py" line="59"/>
        <source>{n} areas written to {path}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/compare_algorithm.py" line="29"/>
        <source>Compare layers (LISA, Gi*, co-location)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/compare_algorithm.py" line="31"/>
        <source>&lt;p&gt;Do two or three measures cluster in the same places? Global Moran&apos;s I of each measure, bivariate Moran&apos;s I, Lee&apos;s L, Pearson and Spearman correlation with a test adjusted for spatial autocorrelation; local (bivariate) LISA clusters with conditional permutations; Getis-Ord Gi* hot spots and where they coincide.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Inputs:&lt;/b&gt; two or three polygon layers on the same geography (JiN layers, or your own with an area code field), a numeric measure of each (usually rate), the neighbours (queen or rook), the number of permutations, the significance level, a multiple-testing adjustment and optional rate smoothing (which needs each layer&apos;s count and base fields).&lt;/p&gt;&lt;p&gt;&lt;b&gt;Outputs:&lt;/b&gt; a GeoPackage layer coloured by bivariate LISA cluster (High-High, Low-Low, Low-High, High-Low, not significant, excluded), with each measure&apos;s local statistics, p-values, clusters and Gi* hot spots; its metadata documents every field. Optionally a one-page HTML summary.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Disclosure control:&lt;/b&gt; areas are matched by area code; areas whose value is withheld (suppressed), missing or absent from a layer are excluded and counted, never read as zero.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/compare_panel.py" line="170"/>
        <source>Layer {i}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/compare_algorithm.py" line="57"/>
        <source>Measure {i}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/compare_algorithm.py" line="60"/>
        <source>Area code field (in every layer)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/compare_panel.py" line="93"/>
        <source>Neighbours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/compare_panel.py" line="94"/>
        <source>Permutations</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/compare_algorithm.py" line="66"/>
        <source>Random seed (-1: a new one each run)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/compare_algorithm.py" line="68"/>
        <source>Significance level</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/compare_algorithm.py" line="71"/>
        <source>Multiple-testing adjustment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/compare_algorithm.py" line="72"/>
        <source>Rate smoothing (needs count and base fields)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/option_lists.py" line="22"/>
        <source>None</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/compare_algorithm.py" line="74"/>
        <source>Comparison</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/compare_algorithm.py" line="76"/>
        <source>Summary (HTML)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/compare_algorithm.py" line="88"/>
        <source>choose the measure (a numeric field) of layer {i}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/compare_algorithm.py" line="101"/>
        <source>Excluded areas: {excluded} (withheld values are never read as zero)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/compare_algorithm.py" line="118"/>
        <source>{name}: {value:.4f} (pseudo p {p:.3f})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/fetch_algorithm.py" line="93"/>
        <source>Fetch JiN layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="162"/>
        <source>Data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/fetch_algorithm.py" line="114"/>
        <source>Hub URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/fetch_algorithm.py" line="115"/>
        <source>Sign-in (Basic authentication)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/fetch_algorithm.py" line="125"/>
        <source>Dataset id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/layer_options.py" line="62"/>
        <source>Geography</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/fetch_algorithm.py" line="127"/>
        <source>Period (YYYY-MM, YYYY, FY2024, L12-2025-03; empty: latest)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/fetch_algorithm.py" line="132"/>
        <source>Category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/fetch_algorithm.py" line="134"/>
        <source>JiN layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/fetch_algorithm.py" line="186"/>
        <source>Fetched &apos;{name}&apos; into {path}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/layout_algorithm.py" line="26"/>
        <source>Export JiN map layout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/theme_algorithm.py" line="39"/>
        <source>Maps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/layout_algorithm.py" line="28"/>
        <source>&lt;p&gt;Fills a JiN print template from a styled layer and exports it: title and subtitle from the layer, map, county inset, legend (with its zero, suppressed and no-data entries), scale bar, north arrow, sources, licence, disclosure rule, release and date.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Inputs:&lt;/b&gt; the layer, the template (A4 or A3, portrait or landscape), an optional title, an optional atlas coverage layer (districts, wards or zones) and the resolution.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Output:&lt;/b&gt; a PDF, PNG or SVG (by the file's suffix); with a coverage layer, one atlas PDF with a page per area, each zoomed to it, with the same classes on every page.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Disclosure control:&lt;/b&gt; the layout prints the dataset's disclosure rule, so readers know that counts may be perturbed by up to ±3 and that hatched areas are withheld, not zero.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/layout_algorithm.py" line="44"/>
        <source>Layer (styled)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/layout_algorithm.py" line="45"/>
        <source>Template</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/layout_algorithm.py" line="46"/>
        <source>Title (default: from the layer)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/layout_algorithm.py" line="47"/>
        <source>Atlas coverage (one page per area)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/layout_algorithm.py" line="62"/>
        <source>an atlas is exported as one PDF: name the output .pdf</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/layout_algorithm.py" line="64"/>
        <source>{n} atlas pages written to {path}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/layout_algorithm.py" line="74"/>
        <source>Export JiN comparison layout (maps side by side)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/layout_algorithm.py" line="76"/>
        <source>&lt;p&gt;Two or three JiN layers side by side under one legend. They are first given one set of classes of the chosen field, so the maps compare.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Inputs:&lt;/b&gt; two or three polygon layers that all have the field to classify on (count or rate), a title and the resolution.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Output:&lt;/b&gt; a PDF, PNG or SVG (by the file&apos;s suffix). The layers keep the shared classes.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Disclosure control:&lt;/b&gt; suppressed areas stay hatched on every map and in the legend.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/layout_algorithm.py" line="86"/>
        <source>Layers (2 or 3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/layout_algorithm.py" line="88"/>
        <source>Classify on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/layout_algorithm.py" line="89"/>
        <source>Title</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/layout_algorithm.py" line="89"/>
        <source>JiN comparison</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/layout_algorithm.py" line="97"/>
        <source>choose two or three layers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/layout_algorithm.py" line="99"/>
        <source>every layer needs the field &apos;{field}&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="162"/>
        <source>Local data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/local_panel.py" line="37"/>
        <source>JiN areas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/local_algorithms.py" line="41"/>
        <source>Join a local table to JiN areas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/local_algorithms.py" line="42"/>
        <source>&lt;p&gt;Adds the columns of your own table to the JiN areas with the same area code, on this PC only: nothing is sent to the hub.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Inputs:&lt;/b&gt; the JiN area layer, the table (CSV in UTF-8 or Windows-1252 with comma, semicolon, tab or pipe; Excel; any layer) and its area code column.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Outputs:&lt;/b&gt; a GeoPackage of the areas with the table&apos;s columns prefixed local_, and the table&apos;s codes that match no area (typos, out-of-county codes).&lt;/p&gt;&lt;p&gt;&lt;b&gt;Disclosure control:&lt;/b&gt; the JiN values keep their status; a suppressed area stays suppressed whatever your table holds. What you make from your own records is yours to protect before sharing.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/local_algorithms.py" line="54"/>
        <source>Local table (CSV, Excel, layer)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/local_panel.py" line="51"/>
        <source>Area code column</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/local_algorithms.py" line="57"/>
        <source>Joined</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/local_algorithms.py" line="58"/>
        <source>Codes that match no area</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/local_algorithms.py" line="75"/>
        <source>Count local points in JiN areas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/local_algorithms.py" line="76"/>
        <source>&lt;p&gt;Counts your own points (incidents, visits; any CRS) in each JiN area, on this PC only: nothing is sent to the hub.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Inputs:&lt;/b&gt; the JiN area layer and your point layer.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Outputs:&lt;/b&gt; a GeoPackage of the areas with the count of your points and a rate per 1,000 of the JiN layer&apos;s denominator (base), and the number of points outside every area (points without a location are reported too).&lt;/p&gt;&lt;p&gt;&lt;b&gt;Disclosure control:&lt;/b&gt; your counts are exact, not protected by the hub: small counts of your own records can identify people, so apply your own organisation&apos;s rules before sharing them.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/local_algorithms.py" line="88"/>
        <source>Local points</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/local_algorithms.py" line="90"/>
        <source>Counts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/local_algorithms.py" line="91"/>
        <source>Points outside every area</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/local_algorithms.py" line="98"/>
        <source>{matched} points counted; {outside} outside every area; {missing} without a location</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/local_algorithms.py" line="106"/>
        <source>Export a layer with its JiN style and metadata</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/local_algorithms.py" line="107"/>
        <source>&lt;p&gt;Writes a layer to a GeoPackage that carries its style (as the default) and its metadata (abstract, licence, attribution, provenance), so the file explains itself when shared.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Inputs:&lt;/b&gt; the layer (a JiN layer or one made from it).&lt;/p&gt;&lt;p&gt;&lt;b&gt;Output:&lt;/b&gt; the GeoPackage.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Disclosure control:&lt;/b&gt; the metadata keeps the dataset&apos;s disclosure rule and licence with the data; suppressed areas stay suppressed.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/theme_algorithm.py" line="55"/>
        <source>Layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/local_algorithms.py" line="117"/>
        <source>GeoPackage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/provider.py" line="29"/>
        <source>JiN — Joined-up Information Nottinghamshire</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/theme_algorithm.py" line="29"/>
        <source>(the layer&apos;s own)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/theme_algorithm.py" line="38"/>
        <source>Apply JiN theme</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/theme_algorithm.py" line="40"/>
        <source>&lt;p&gt;Styles a layer as a graduated choropleth in the JiN theme colours (colour-blind safe, printable), as the panel does when it adds a layer.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Inputs:&lt;/b&gt; the layer, the field to classify (count or rate), the theme (or the layer's own, from its dataset), the classification method and the number of classes (2–9).&lt;/p&gt;&lt;p&gt;&lt;b&gt;Outputs:&lt;/b&gt; the styled layer; the style saved as the default inside its GeoPackage and, optionally, exported as QML or SLD to share.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Disclosure control:&lt;/b&gt; zero, suppressed and no-data areas get their own legend entries and are never a class colour: suppressed areas are hatched grey, so a withheld count is never mistaken for zero or for missing data.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/theme_algorithm.py" line="56"/>
        <source>Value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/catalogue_view.py" line="120"/>
        <source>Theme</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/theme_algorithm.py" line="59"/>
        <source>Classification</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="239"/>
        <source>Classes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/theme_algorithm.py" line="63"/>
        <source>Save as the layer&apos;s default style</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/theme_algorithm.py" line="64"/>
        <source>Export style (QML or SLD)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/theme_algorithm.py" line="66"/>
        <source>Styled layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/theme_algorithm.py" line="86"/>
        <source>Classes: {classes}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/browser.py" line="95"/>
        <source>There is no JiN connection named &apos;{name}&apos; any more. Refresh the Browser panel and choose again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/project_layers.py" line="82"/>
        <source>Added “{name}” ({n} areas).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/browser.py" line="141"/>
        <source>&apos;{name}&apos; is not a JiN dataset QGIS can open.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/browser.py" line="177"/>
        <source>Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/browser.py" line="190"/>
        <source>Community-safety datasets on your JiN hubs (add a connection in the JiN panel)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/browser.py" line="211"/>
        <source>Unexpected error reading the catalogue ({error}). Please report it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/browser.py" line="287"/>
        <source>{title} by {geography}. Drag onto the map or double-click to add it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/catalogue_view.py" line="44"/>
        <source>months {first} – {last}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/catalogue_view.py" line="47"/>
        <source>calendar years</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/catalogue_view.py" line="47"/>
        <source>financial years</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/catalogue_view.py" line="47"/>
        <source>rolling 12 months</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/compare_panel.py" line="123"/>
        <source>count</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/catalogue_view.py" line="54"/>
        <source>, rate {unit}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/catalogue_view.py" line="89"/>
        <source>Filter datasets…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/catalogue_view.py" line="91"/>
        <source>Advanced…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/catalogue_view.py" line="111"/>
        <source>Search the hub</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/catalogue_view.py" line="119"/>
        <source>YYYY-MM or YYYY</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/catalogue_view.py" line="121"/>
        <source>Partner</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/catalogue_view.py" line="123"/>
        <source>Data from</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/catalogue_view.py" line="124"/>
        <source>Data up to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/catalogue_view.py" line="126"/>
        <source>Search</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/catalogue_view.py" line="127"/>
        <source>Show all</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/catalogue_view.py" line="151"/>
        <source>Any theme</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/catalogue_view.py" line="151"/>
        <source>Any partner</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/catalogue_view.py" line="151"/>
        <source>Any geography</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/option_lists.py" line="22"/>
        <source>False discovery rate (Benjamini–Hochberg)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/option_lists.py" line="23"/>
        <source>Bonferroni</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/option_lists.py" line="24"/>
        <source>None: rates as published</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/option_lists.py" line="25"/>
        <source>Empirical Bayes (towards the county)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/option_lists.py" line="26"/>
        <source>Spatial empirical Bayes (towards the neighbourhood)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/compare_panel.py" line="59"/>
        <source>Do these measures cluster in the same places? Choose two or three area layers (JiN layers, or your own with an area code field) on the same geography.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/compare_panel.py" line="72"/>
        <source>Layer {i} (optional)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/compare_panel.py" line="73"/>
        <source>measure</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/compare_panel.py" line="90"/>
        <source>Pull rates of areas with few residents or pupils towards a wider mean, so one incident in a small population does not look like a hot spot</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/compare_panel.py" line="92"/>
        <source>Rate smoothing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/compare_panel.py" line="95"/>
        <source>Adjustment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="162"/>
        <source>Compare</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/compare_panel.py" line="100"/>
        <source>Open summary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/compare_panel.py" line="139"/>
        <source>Earlier</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/compare_panel.py" line="139"/>
        <source>Later</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/compare_panel.py" line="127"/>
        <source>Show change</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/compare_panel.py" line="138"/>
        <source>choose both periods&apos; layers and their count field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/compare_panel.py" line="152"/>
        <source>The change could not be computed: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/compare_panel.py" line="155"/>
        <source>JiN: change over time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/connection_dialog.py" line="48"/>
        <source>Edit JiN hub connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/connection_dialog.py" line="48"/>
        <source>New JiN hub connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/connection_dialog.py" line="57"/>
        <source>JiN hub (live)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/connection_dialog.py" line="60"/>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/connection_dialog.py" line="61"/>
        <source>URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/connection_dialog.py" line="74"/>
        <source>JiN user name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/connection_dialog.py" line="75"/>
        <source>Password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/connection_dialog.py" line="79"/>
        <source>Test connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/connection_dialog.py" line="142"/>
        <source>Testing {url}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/connection_dialog.py" line="146"/>
        <source>The test was cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="363"/>
        <source>JiN: testing the connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/option_lists.py" line="16"/>
        <source>Natural breaks (Jenks)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/option_lists.py" line="18"/>
        <source>Equal interval</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/option_lists.py" line="18"/>
        <source>Pretty breaks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/option_lists.py" line="19"/>
        <source>Standard deviation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="80"/>
        <source>JiN: reading the hub catalogue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="329"/>
        <source>Not connected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="144"/>
        <source>Refresh JiN layers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="145"/>
        <source>Check the hub for newer releases of the JiN layers in this project and fetch them</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/reclass.py" line="114"/>
        <source>Same scale</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="168"/>
        <source>Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="170"/>
        <source>Open the JiN help for this tab (shipped with the plugin, works offline)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="194"/>
        <source>Saved JiN hub connections (URL and sign-in)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="195"/>
        <source>Hub</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="197"/>
        <source>New connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="197"/>
        <source>Edit the connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="197"/>
        <source>Delete the connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="207"/>
        <source>Check the address, that it is a JiN hub, and the sign-in, step by step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="319"/>
        <source>Add a connection to your JiN hub with + (its URL and your JiN sign-in).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="329"/>
        <source>Press Connect to read the catalogue of {name}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="349"/>
        <source>Delete JiN connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="349"/>
        <source>Delete the connection “{name}”? Layers already fetched stay in your projects and cache.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="357"/>
        <source>Connection “{name}” deleted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="374"/>
        <source>Connecting to {url}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="374"/>
        <source>Searching the hub…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="392"/>
        <source>The hub search found {found} of {total} dataset(s).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="400"/>
        <source> as {user} ({agency}, {role})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="400"/>
        <source> without signing in (public aggregates)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="403"/>
        <source>; {n} JiN layer(s) have a newer release: Refresh JiN layers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="404"/>
        <source>Connected to {hub} {version}{who}: {n} dataset(s){newer}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="443"/>
        <source>Fetching {n} layer(s)… (progress in the task manager)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="499"/>
        <source>Every JiN layer is of the hub&apos;s current release.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="507"/>
        <source>Refreshing {n} JiN layer(s)…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="532"/>
        <source>Add a JiN layer first: the layout is made for it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="555"/>
        <source>Layout “{name}” made: export it as PDF, PNG or SVG from the designer, or with Processing ▸ JiN ▸ Export JiN map layout.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="621"/>
        <source>Add two or more JiN layers of the same measure first: they then share one set of classes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="635"/>
        <source>{n} layers now share the classes {classes}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="639"/>
        <source> The summary (with its PDF) is in {folder}: Compare ▸ Open summary.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="641"/>
        <source>Added “{name}”.{where}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/layer_options.py" line="20"/>
        <source>Rolling 12 months</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/layer_options.py" line="20"/>
        <source>Month</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/layer_options.py" line="21"/>
        <source>Financial year</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/layer_options.py" line="22"/>
        <source>Calendar year</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/layer_options.py" line="29"/>
        <source>Term</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/layer_options.py" line="47"/>
        <source>Tick one or several categories: each becomes its own layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/layer_options.py" line="52"/>
        <source>Districts, wards and community safety partnership areas from the hub</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/layer_options.py" line="53"/>
        <source>Zoom to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/layer_options.py" line="55"/>
        <source>Only this area</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/layer_options.py" line="56"/>
        <source>Fetch just the areas inside the chosen zone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/layer_options.py" line="60"/>
        <source>Period</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/layer_options.py" line="61"/>
        <source>Categories</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/layer_options.py" line="63"/>
        <source>Measure</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/layer_options.py" line="64"/>
        <source>Zone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/layer_options.py" line="86"/>
        <source>All categories</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/local_panel.py" line="59"/>
        <source>Count</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/layer_options.py" line="92"/>
        <source>Rate {unit}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/layer_options.py" line="111"/>
        <source>Whole county (no zone)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/local_panel.py" line="31"/>
        <source>Your own data stays on this PC: nothing here is sent to the hub.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/local_panel.py" line="45"/>
        <source>Tables</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/local_panel.py" line="48"/>
        <source>Join</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/local_panel.py" line="50"/>
        <source>Table</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/local_panel.py" line="61"/>
        <source>Points</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/local_panel.py" line="102"/>
        <source>Choose the JiN areas, a table and its area code column.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/local_data.py" line="65"/>
        <source>Every code in the table matched.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/local_panel.py" line="117"/>
        <source>Choose the JiN areas and your point layer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/local_panel.py" line="124"/>
        <source>{points} per area ({areas})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/local_panel.py" line="124"/>
        <source>Counted {n} points; {outside} fall outside every area; {missing} have no location.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/compare_task.py" line="26"/>
        <source>JiN: comparing {layers}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/compare_task.py" line="57"/>
        <source>Comparison cancelled: nothing was added.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/compare_task.py" line="48"/>
        <source>The comparison failed: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/symbology.py" line="296"/>
        <source>could not save the style into {path}: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/symbology.py" line="304"/>
        <source>export the style as .qml (QGIS) or .sld (other GIS)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/symbology.py" line="306"/>
        <source>could not write {path}: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/model.py" line="64"/>
        <source>{year} (year)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/model.py" line="67"/>
        <source>Apr {start} – Mar {end} (financial year)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/model.py" line="69"/>
        <source>12 months to {month}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/model.py" line="86"/>
        <source>rate {unit}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/model.py" line="119"/>
        <source> in {zone}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/catalogue_view.py" line="57"/>
        <source>Partner:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/catalogue_view.py" line="57"/>
        <source>Theme:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/catalogue_view.py" line="58"/>
        <source>Measures:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/catalogue_view.py" line="59"/>
        <source>Categories:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/catalogue_view.py" line="60"/>
        <source>Periods:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/catalogue_view.py" line="61"/>
        <source>Geographies:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/catalogue_view.py" line="62"/>
        <source>Last release:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/catalogue_view.py" line="64"/>
        <source>Record-level data:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/catalogue_view.py" line="64"/>
        <source>your agency has access</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/catalogue_view.py" line="65"/>
        <source>Licence:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/catalogue_view.py" line="66"/>
        <source>Disclosure control:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/catalogue_view.py" line="68"/>
        <source>Release notes:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/safe_task.py" line="68"/>
        <source>{task} stopped on an unexpected error ({error}). The details are in the &apos;{tab}&apos; tab of the Log Messages panel: please send them to your hub administrator.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/catalogue_view.py" line="71"/>
        <source>Data-quality warnings:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/model.py" line="16"/>
        <source>LSOA 2021</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/model.py" line="16"/>
        <source>MSOA 2021</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/model.py" line="17"/>
        <source>Ward 2021</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/model.py" line="19"/>
        <source>LSOA 2011</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/model.py" line="19"/>
        <source>MSOA 2011</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/reference_style.py" line="35"/>
        <source>most deprived 10%</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/reference_style.py" line="35"/>
        <source>least deprived 10%</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/reference_style.py" line="54"/>
        <source>most deprived</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/reference_style.py" line="54"/>
        <source>least deprived</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/themes.py" line="46"/>
        <source>Reference</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/layer_inputs.py" line="82"/>
        <source>{first} and {second} are the same layer and field (&apos;{layer}&apos;, {field}): choose a different layer for {second}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/safe_task.py" line="55"/>
        <source>Cancelled: {task}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/compare_panel.py" line="150"/>
        <source>Cancelled: change over time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="363"/>
        <source>Cancelled: testing the connection.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="478"/>
        <source>Choose a hub connection first: the refresh compares your layers with its catalogue.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="481"/>
        <source>Checking {url} for newer releases…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="484"/>
        <source>Could not check the hub “{name}” for newer releases, so no JiN layer was checked or changed. {error} Then press Refresh JiN layers again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/local_data.py" line="58"/>
        <source>{matched} of {rows} table rows joined to {areas} areas.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/local_data.py" line="62"/>
        <source>{n} row(s) match no area (check for typos or codes outside the county): {codes}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/local_data.py" line="67"/>
        <source>Codes on more than one row (the last row is used): {codes}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/local_data.py" line="142"/>
        <source>could not write {path}: {error}; check the folder is writable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/local_data.py" line="309"/>
        <source>JiN theme</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/local_data.py" line="164"/>
        <source>could not save the style in {path}: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/local_data.py" line="205"/>
        <source>(no code)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/local_panel.py" line="110"/>
        <source>JiN: joining {table}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/local_panel.py" line="124"/>
        <source>JiN: counting {points}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/field_display.py" line="15"/>
        <source>Area code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/field_display.py" line="15"/>
        <source>Area name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/field_display.py" line="16"/>
        <source>District code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/fetch_algorithm.py" line="121"/>
        <source>Dataset</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/field_display.py" line="18"/>
        <source>Withheld</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/field_display.py" line="18"/>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/field_display.py" line="19"/>
        <source>Rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/field_display.py" line="19"/>
        <source>Rate&apos;s denominator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/symbology.py" line="58"/>
        <source>Withheld (protects privacy)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/field_display.py" line="42"/>
        <source>Yes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/field_display.py" line="42"/>
        <source>No</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/catalogue_view.py" line="44"/>
        <source>{first} – {last}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/auth.py" line="75"/>
        <source>QGIS will ask for its master password, which locks the passwords it keeps on this PC, before it stores or uses this sign-in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/auth.py" line="77"/>
        <source>The first time you save a sign-in, QGIS asks you to choose a master password: it locks every password QGIS keeps on this PC. Choose one you will remember; JiN never sees it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/model.py" line="98"/>
        <source>FY {start}/{end}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/model.py" line="124"/>
        <source>rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/withheld.py" line="63"/>
        <source>{period} at {geography}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/withheld.py" line="66"/>
        <source>The release also publishes {offers}, where fewer areas are withheld.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/withheld.py" line="66"/>
        <source> or </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/connection_dialog.py" line="68"/>
        <source>…or type your JiN user name and password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/connection_dialog.py" line="69"/>
        <source>QGIS stores them encrypted, as a sign-in you can choose above next time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/connection_dialog.py" line="110"/>
        <source>Type both your JiN user name and your password, or clear both to use the sign-in chosen above.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="141"/>
        <source>&amp;Add to map</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="205"/>
        <source>Co&amp;nnect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="206"/>
        <source>&amp;Test connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="237"/>
        <source>Label areas by name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="238"/>
        <source>Area names on the map, shown when zoomed in far enough to read them</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="255"/>
        <source>Print la&amp;yout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="521"/>
        <source>Refreshed “{name}” to the release of {date}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/indicators.py" line="24"/>
        <source>A newer release is on the hub: JiN panel ▸ Refresh JiN layers.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/indicators.py" line="25"/>
        <source>JiN layer cached on this PC: it opens offline.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/indicators.py" line="27"/>
        <source>Released {date}, fetched {fetched}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/indicators.py" line="29"/>
        <source>Fetched {fetched}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/indicators.py" line="31"/>
        <source>Hub: {hub}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/layer_options.py" line="54"/>
        <source>Zoom the map to the chosen zone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/message_line.py" line="27"/>
        <source>Warning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/message_line.py" line="27"/>
        <source>Error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/message_line.py" line="44"/>
        <source>Hide this message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/message_line.py" line="45"/>
        <source>Hide the message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/district_context.py" line="45"/>
        <source>Districts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/district_context.py" line="47"/>
        <source>The cached district boundaries {path} cannot be read: delete the file and make the layout again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/district_context.py" line="65"/>
        <source>JiN: fetching district boundaries</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/district_context.py" line="81"/>
        <source>The district boundaries could not be fetched.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/layouts.py" line="307"/>
        <source>The full rule is in the layer&apos;s metadata.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/layouts.py" line="309"/>
        <source>Counts carry small deliberate noise, and counts under {n} are withheld to protect privacy; hatched areas are withheld, not zero.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/layouts.py" line="312"/>
        <source>Counts under {n} are withheld to protect privacy, with a few more so they cannot be worked out; hatched areas are withheld, not zero.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/layouts.py" line="326"/>
        <source>Map made {date} with JiN (Joined-up Information Nottinghamshire)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/layouts.py" line="328"/>
        <source>Data released {date}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/results_folder.py" line="149"/>
        <source>Results cannot be saved in “{folder}” ({error}). Choose a folder you can write to under “Results folder”, or clear it to use “{default}”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/choices.py" line="31"/>
        <source>&apos;{value}&apos; is not {what}: use one of {valid}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/compare_algorithm.py" line="47"/>
        <source>a kind of neighbours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/compare_algorithm.py" line="48"/>
        <source>a multiple-testing adjustment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/compare_algorithm.py" line="49"/>
        <source>a rate smoothing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/fetch_algorithm.py" line="37"/>
        <source>Rate (where the dataset has one)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/fetch_algorithm.py" line="95"/>
        <source>&lt;p&gt;Fetches one published JiN layer (dataset × geography × period × category) from a hub, as the panel's &lt;b&gt;Add to map&lt;/b&gt; does, for models, batch runs and qgis_process, and themes it as the panel does.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Inputs:&lt;/b&gt; the hub URL and sign-in (by default the connection chosen in the JiN panel); the dataset, geography and category, as lists once the hub's catalogue has been read (by the panel or an earlier run), else typed: ids or names in any case (police_crime, burglary); the period: YYYY-MM for a month, YYYY for a calendar year, FY2024 for the financial year Apr 2024 – Mar 2025, L12-2025-03 for the 12 months to Mar 2025, or empty for the latest month; the measure, count or rate, which names and themes the layer.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Output:&lt;/b&gt; a GeoPackage in the JiN cache, in EPSG:27700, one feature per area keyed by ONS area code (area_code), with count, rate, base (the rate's denominator) and status (value, zero, suppressed, no_data). It opens offline once fetched.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Disclosure control:&lt;/b&gt; every count is the hub's published value, which may differ from the truth by up to 3 (cell-key perturbation), and small counts are withheld (status suppressed, count empty). Never read a suppressed area as zero. Only the geographies the hub's release policy publishes are offered or accepted.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/fetch_algorithm.py" line="133"/>
        <source>Measure (names and themes the layer)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/fetch_algorithm.py" line="137"/>
        <source>a measure</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/fetch_algorithm.py" line="201"/>
        <source>a dataset this hub publishes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/fetch_algorithm.py" line="170"/>
        <source>a category of {title}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/fetch_algorithm.py" line="172"/>
        <source>a geography the hub publishes {title} ({category}) at</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/fetch_algorithm.py" line="201"/>
        <source>a geography this hub publishes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/fetch_algorithm.py" line="202"/>
        <source>a category this hub publishes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/option_lists.py" line="28"/>
        <source>A4 landscape</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/option_lists.py" line="28"/>
        <source>A4 portrait</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/option_lists.py" line="29"/>
        <source>A3 landscape</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/option_lists.py" line="29"/>
        <source>A3 portrait</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/layout_algorithm.py" line="41"/>
        <source>a JiN template</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/option_lists.py" line="17"/>
        <source>Quantiles (equal count)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/theme_algorithm.py" line="52"/>
        <source>a JiN theme</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/theme_algorithm.py" line="52"/>
        <source>a classification</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/local_panel.py" line="39"/>
        <source>Results folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/results_folder.py" line="190"/>
        <source>change {earlier} to {later}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/results_folder.py" line="187"/>
        <source>compare {layers}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="148"/>
        <source>One set of class breaks for the JiN layers of one measure you tick, so maps of several months or districts compare</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="240"/>
        <source>Re-class selected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="241"/>
        <source>Apply these classes to the JiN layers selected in the Layers panel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="243"/>
        <source>Put back the style the last re-class or same scale replaced</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="601"/>
        <source>Select one or more JiN layers in the Layers panel, then press Re-class selected.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="605"/>
        <source>Re-classed {n} layer(s) as {method}, {k} classes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="611"/>
        <source>Put back the earlier style of {n} layer(s).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="630"/>
        <source>Tick two or more layers to share one scale; nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/layout_layer.py" line="32"/>
        <source>Print layout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/layout_layer.py" line="32"/>
        <source>Make the layout for which layer?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/results_folder.py" line="191"/>
        <source>join {areas} + {table}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/results_folder.py" line="192"/>
        <source>count {points} in {areas}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/message_line.py" line="60"/>
        <source>{level}: {text}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/reclass.py" line="117"/>
        <source>Tick the layers that should share one set of classes, so their maps compare.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/results_folder_box.py" line="48"/>
        <source>Folder for JiN results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/results_folder_box.py" line="49"/>
        <source>Where Compare, Change, Join and Count save their layers and summaries. Empty: a “JiN results” folder beside the saved project, else in your QGIS profile.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/compare_panel.py" line="110"/>
        <source>Change over time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/compare_panel.py" line="112"/>
        <source>One count, two periods: the difference, the ratio and whether it is more than chance, per area.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="242"/>
        <source>Undo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/local_panel.py" line="42"/>
        <source>Join a table</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/local_panel.py" line="55"/>
        <source>Count your points</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/withheld.py" line="57"/>
        <source>Most of the map is withheld: {n} areas are hatched (counts under {threshold}, or withheld so that none can be worked out from the totals), not zero, and {shown} show a value.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="256"/>
        <source>A print layout of the JiN layer selected in the Layers panel (asked when none or several are), opened in the layout designer (export PDF, PNG or SVG from there)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="521"/>
        <source>Refreshed “{name}” to the hub's current release.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="544"/>
        <source>The layer the layout was for is no longer in the project: select a JiN layer and press Print layout again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="558"/>
        <source>It has no district outlines: {why}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="574"/>
        <source>the layer comes from another hub ({hub}); connect to that hub and make the layout again to have them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="574"/>
        <source>unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/dock.py" line="581"/>
        <source>Fetching district outlines for the layout…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/indicators.py" line="29"/>
        <source>Released {date}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/option_lists.py" line="20"/>
        <source>Queen: a shared edge or corner</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/option_lists.py" line="21"/>
        <source>Rook: a shared edge</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../processing/local_algorithms.py" line="126"/>
        <source>choose the layer to export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../core/results_folder.py" line="187"/>
        <source>{first} vs {second}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
